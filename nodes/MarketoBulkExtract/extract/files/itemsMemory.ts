/**
 * What an items output costs in n8n's memory, estimated before downloading
 * from what the job's status says (numberOfRecords, fileSize) and the number
 * of columns. The figures are measured in BENCHMARKS.md (P2 at 12, 27 and 100
 * columns, items held by n8n's engine, values as text, which costs more than
 * typed values): about 72 bytes per field and 120 per record for values of the
 * length Marketo fields usually hold. Long text values cost by their length
 * instead, so the estimate never goes below 2.5 bytes per byte of the file
 * (UTF-16 characters plus string headers).
 */
export const ITEMS_MEMORY = {
	bytesPerRecord: 120,
	bytesPerField: 72,
	bytesPerFileByte: 2.5,
	/** With the width unknown (an adopted job), the highest ratio measured: narrow rows of short values. */
	bytesPerFileByteUnknownWidth: 6.7,
} as const;

export interface ItemsMemoryInput {
	records: number;
	fileSize: number;
	/** Columns of the file; undefined when the export's fields are not known before download. */
	columns?: number;
}

/** Estimated bytes of memory for these records as n8n items. */
export function estimateItemsMemory({ records, fileSize, columns }: ItemsMemoryInput): number {
	if (columns === undefined) return fileSize * ITEMS_MEMORY.bytesPerFileByteUnknownWidth;
	const byFields = records * columns * ITEMS_MEMORY.bytesPerField;
	const byText = fileSize * ITEMS_MEMORY.bytesPerFileByte;
	return records * ITEMS_MEMORY.bytesPerRecord + Math.max(byFields, byText);
}

export const MEGABYTE = 1024 * 1024;
