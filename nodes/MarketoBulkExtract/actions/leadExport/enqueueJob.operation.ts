import { enqueueExportJob } from '../../transport/exportJobApi';
import { singleJobOperation } from './singleJobOperation';

/**
 * Puts a Created job in Marketo's export queue. A job that is already queued is
 * reported with its current status rather than as an error.
 * https://developer.adobe.com/marketo-apis/api/mapi/#tag/Bulk-Export-Leads/operation/enqueueExportLeadsUsingPOST
 */
export const { description, execute } = singleJobOperation('enqueueJob', enqueueExportJob);
