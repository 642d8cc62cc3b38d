import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { ExportKind } from '../../exportKinds/exportKind';
import { readExportId } from '../../helpers/validation';
import type { MarketoClient } from '../../transport';
import type { ExportJob } from '../../transport/exportJobApi';
import { exportIdProperty, forOperations } from '../common.descriptions';

/** An operation that takes an Export ID, makes one call and outputs the job. */
export function singleJobOperation(
	operation: string,
	call: (client: MarketoClient, exportPath: string, exportId: string) => Promise<ExportJob>,
): {
	description: INodeProperties[];
	execute: (
		this: IExecuteFunctions,
		client: MarketoClient,
		itemIndex: number,
		kind: ExportKind,
	) => Promise<INodeExecutionData[]>;
} {
	return {
		description: forOperations([operation], [exportIdProperty]),
		async execute(this: IExecuteFunctions, client: MarketoClient, itemIndex: number, kind: ExportKind) {
			const exportPath = kind.readExportPath(this, itemIndex);
			const exportId = readExportId(this, itemIndex);
			return [{ json: await call(client, exportPath, exportId) }];
		},
	};
}
