import type { IExecuteFunctions, INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { EngineError } from '../extract/model/engineError';
import { asNodeError } from '../transport/nodeErrors';

import { PositionError } from '../extract/state/sinceLastRunPosition';
import { LeaseHeldError } from '../extract/state/runLease';
import { DefinitionConflictError, LimitReachedError, type LimitReached } from '../extract/model/limits';

/**
 * The engine's refusals, worded as the editor labels things: the engine says
 * which limit or which part of the definition; only here do they get the
 * names a user sees (Max Items, Column Header Names, Output: Files).
 */

export const LIMIT_LABELS = {
	maxJobs: 'Max Jobs',
	maxItems: 'Max Items',
	maxMemoryMb: 'Max Memory (MB)',
	maxWait: 'Max Wait (Minutes)',
	columnHeaderNames: 'Column Header Names',
} as const;

/** `filesOutput`: the label of the operation's file output, the remedy of an items limit ("Files", "File"). */
export function inEditorWords(ctx: IExecuteFunctions, itemIndex: number, error: unknown, filesOutput: string): unknown {
	if (error instanceof DefinitionConflictError) {
		return new NodeOperationError(ctx.getNode(), `${LIMIT_LABELS[error.parameter]}: ${error.problem}`, { itemIndex, description: error.fix });
	}
	if (error instanceof PositionError) return positionError(ctx, itemIndex, error);
	if (error instanceof LeaseHeldError) {
		return new NodeOperationError(
			ctx.getNode(),
			`Since Last Run: another execution of this node was still exporting (its last sign of life at ${error.lastSeen.toISOString().replace('.000Z', 'Z')}) when this run’s Max Wait (Minutes) ran out.`,
			{
				itemIndex,
				description:
					'This run exported nothing and moved nothing: two runs at once would export the same range twice. The next run goes on from where that one ends. If no other execution is running (a worker was killed), its mark lapses within 3 minutes.',
			},
		);
	}
	if (error instanceof EngineError) {
		const nodeError = asN8nError(ctx.getNode(), error);
		nodeError.context.itemIndex = itemIndex;
		return nodeError;
	}
	if (!(error instanceof LimitReachedError)) return error;
	const { message, description } = limitMessage(error.reached, filesOutput);
	return new NodeOperationError(ctx.getNode(), message, {
		itemIndex,
		description: [description, error.consequence].filter(Boolean).join(' '),
	});
}

/**
 * Any failure as n8n shows it: the engine's own (EngineError) as an API error
 * where Marketo answered what it refuses, else as an operation error; n8n's
 * errors as they are; anything else wrapped.
 */
export function asN8nError(node: INode, error: unknown): NodeApiError | NodeOperationError {
	if (!(error instanceof EngineError)) return asNodeError(node, error);
	const { message, description } = error;
	return error.by === 'marketo' ? new NodeApiError(node, { message }, { message, description }) : new NodeOperationError(node, message, { description });
}

const RESET = 'Turn on Reset Since Last Run (Options) for one run: it starts again from First Run Starts At (set that to where the sync should go on), then turn it off.';

function positionError(ctx: IExecuteFunctions, itemIndex: number, error: PositionError): NodeOperationError {
	if (error.problem === 'future') {
		return new NodeOperationError(ctx.getNode(), `Since Last Run: the saved position is ${error.detail}.`, {
			itemIndex,
			description: `Nothing was exported: every run from there would export nothing. A clock far ahead, or a position edited by hand, puts it there. ${RESET}`,
		});
	}
	return new NodeOperationError(ctx.getNode(), `Since Last Run: the saved position cannot be read (${error.detail}).`, {
		itemIndex,
		description: `Nothing was exported: the node does not guess where the last run ended, since starting again from First Run Starts At would export again what earlier runs delivered. ${RESET}`,
	});
}

function limitMessage(reached: LimitReached, filesOutput: string): { message: string; description: string } {
	const label = LIMIT_LABELS[reached.limit];
	const remedy = `Use Output: ${filesOutput}, which streams the file to n8n’s binary store instead of holding every record as an item; or export fewer fields or a shorter range`;
	switch (reached.limit) {
		case 'maxJobs':
			return {
				message: `${label}: the range needs ${reached.jobs} export jobs of ${reached.windowDays} days (from ${reached.first} to ${reached.last}); ${label} is ${reached.max}. No job was created.`,
				description: `Every job's file counts against the subscription's 500 MB daily export quota, shared with every integration, and Marketo runs at most 2 jobs at a time: ${reached.jobs} jobs can take the quota of several days. Check Start At, or raise ${label} (Options) to ${reached.jobs} if this is intended.`,
			};
		case 'maxItems':
			return {
				message: `The export holds more than ${reached.max} ${reached.noun} (${label}); ${reached.records} so far.`,
				description: `${remedy}; or raise ${label} if n8n has the memory.`,
			};
		case 'maxWait':
			return {
				message: 'Marketo did not finish the export within the maximum wait.',
				description: `Raise ${label}, or export a shorter range. Marketo processes at most two export jobs at a time per subscription, shared with every other integration.`,
			};
		case 'maxMemoryMb':
			return {
				message: `The export would take about ${reached.estimateMb} MB of memory as items (${reached.shape}); ${label} is ${reached.max}.`,
				description: `${remedy}; or raise ${label} if n8n has that much memory to spare (n8n may need as much again to save the execution).`,
			};
	}
}
