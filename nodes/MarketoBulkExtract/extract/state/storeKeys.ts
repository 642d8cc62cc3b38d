import { randomUUID } from 'crypto';

/**
 * Every entry this node keeps in n8n's processed-data store, built here and
 * nowhere else: the store keeps only hashes, so an entry spelled two ways
 * is two facts, and a reader that spells it otherwise than its writer finds
 * nothing. docs/STATE.md ("The entries") says when each is written, removed
 * and read; test/unit/architecture.test.mjs holds every other file to this one.
 */
export const storeKeys = {
	/** A job this node created and has not delivered or cancelled. */
	ownJob: (exportId: string) => `own|${exportId}`,
	/** The same job, made for the definition whose fingerprint this is (everything but the range). */
	jobOfDefinition: (definitionKey: string, exportId: string) => `job|${definitionKey}|${exportId}`,
	/** The same job, whose execution the user stopped. */
	stoppedJob: (exportId: string) => `stopped|${exportId}`,
	/** Where the numbers of a job's window are kept: its start and end, epoch seconds. */
	windowStart: (exportId: string) => `s|${exportId}`,
	windowEnd: (exportId: string) => `e|${exportId}`,
	/** Where a Since Last Run position's number is kept, e.g. `leadExport.updatedAt`. */
	position: (position: string) => `position|${position}`,
	/** Where a number of a position's catch-up state is kept (splitUntil, splitSeconds, quotaResetAt). */
	catchUp: (position: string, name: string) => `catchUp|${position}|${name}`,
	/** A Since Last Run run's mark of the minute it lives in, and one bit of its identity. */
	leaseMinute: (position: string, minute: number) => `lease|${position}|${minute}`,
	leaseBit: (position: string, minute: number, bit: number, value: number) => `lease|${position}|${minute}|${bit}=${value}`,
	/** A record a Since Last Run run delivered: its date (epoch seconds) and its key's values, kept while the look-back reads it again. */
	delivered: (position: string, seconds: number, keyText: string) => `delivered|${position}|${seconds}|${keyText}`,
	/** Asked with every question about delivered records, and removed with what the question left: found, a question was cut short. */
	deliveredQuestion: (position: string) => `delivered|${position}|question`,
	/** An entry no one ever records, asked with every question: a store that calls it recorded is not believed. */
	canary: () => `canary|${randomUUID()}`,
	/** One entry of a number kept under `key`: a prefix of its digits. */
	numberDigits: (key: string, digits: string) => `${key}|${digits}`,
};
