import { cancelExportJob } from '../../transport/exportJobApi';
import { singleJobOperation } from './singleJobOperation';

/**
 * Cancels a Created, Queued or Processing job.
 * https://developer.adobe.com/marketo-apis/api/mapi/#tag/Bulk-Export-Leads/operation/cancelExportLeadsUsingPOST
 */
export const { description, execute } = singleJobOperation('cancelJob', cancelExportJob);
