import { getExportJobStatus } from '../../transport/exportJobApi';
import { singleJobOperation } from './singleJobOperation';

/**
 * The job's status, counts, file size and checksum. Marketo refreshes it once a minute.
 * https://developer.adobe.com/marketo-apis/api/mapi/#tag/Bulk-Export-Leads/operation/getExportLeadsStatusUsingGET
 */
export const { description, execute } = singleJobOperation('getJobStatus', getExportJobStatus);
