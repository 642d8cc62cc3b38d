/**
 * A limit of the run's settings that the engine met, in the engine's words
 * and with its figures. The engine does not know the editor's labels: the
 * operations turn this into the error a user reads (actions/engineErrors.ts).
 */
export type LimitReached =
	| { limit: 'maxJobs'; jobs: number; max: number; first: string; last: string; windowDays: number }
	| { limit: 'maxItems'; records: number; max: number; noun: string }
	| { limit: 'maxMemoryMb'; estimateMb: number; max: number; shape: string }
	| { limit: 'maxWait' };

export class LimitReachedError extends Error {
	/** What happened to Marketo's jobs when the limit ended a run that had begun. */
	consequence?: string;

	constructor(readonly reached: LimitReached) {
		super(`the export reached the limit ${reached.limit}`);
	}
}

/**
 * A definition the engine cannot serve as given: a header that takes the name
 * of a key field the engine must add. `parameter` names the definition's part
 * (its field name in ExportDefinition); the operation names it as the editor does.
 */
export class DefinitionConflictError extends Error {
	constructor(
		readonly parameter: 'columnHeaderNames',
		readonly problem: string,
		readonly fix: string,
	) {
		super(problem);
	}
}
