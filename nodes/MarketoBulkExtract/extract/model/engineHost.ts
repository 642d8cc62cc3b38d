import type { IExecuteFunctions } from 'n8n-workflow';

/**
 * What the engine needs of n8n, and nothing else: a logger, the binary store
 * and the processed-data store. The operation hands in its context, which has
 * all three; the engine cannot read a node parameter through this.
 */
export interface ExtractHost {
	logger: Pick<IExecuteFunctions['logger'], 'info' | 'warn'>;
	helpers: Pick<IExecuteFunctions['helpers'], 'prepareBinaryData' | 'checkProcessedAndRecord' | 'removeProcessed' | 'getProcessedDataCount'>;
}

/** Since Last Run also keeps its position in the node's static data, and reads it only for production runs. */
export interface PositionHost extends ExtractHost {
	getMode: IExecuteFunctions['getMode'];
	getWorkflowStaticData: IExecuteFunctions['getWorkflowStaticData'];
}

/** What the engine says after a run, for the operation to show as execution hints. */
export interface RunHint {
	message: string;
	type: 'info' | 'warning';
}
