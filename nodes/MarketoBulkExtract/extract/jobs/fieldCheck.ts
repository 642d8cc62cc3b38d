import type { MarketoClient } from '../../transport';
import { EngineError } from '../model/engineError';
import type { ExportDefinition } from '../model/exportDefinition';
import type { ExportProfile } from '../model/exportProfile';

/**
 * The definition's fields held against Marketo's describe before any job is
 * created. A field removed or renamed in Marketo since the workflow was built
 * would make every create answer 1003, run after run: a schedule that needs a
 * person. `leaveOut` (Since Last Run): the run goes on without it and says
 * so; `fail` (Fixed Dates, or the user's choice): the run stops before any
 * job, naming it. Names are compared without case, as Marketo's API takes them.
 */
export async function checkFields(
	client: MarketoClient,
	profile: ExportProfile,
	definition: ExportDefinition,
	onMissing: 'leaveOut' | 'fail',
	/** Fields the node added for the record key: a definition left with only those exports nothing the user chose. */
	added: readonly string[] = [],
): Promise<{ definition: ExportDefinition; warning?: string }> {
	if (!profile.currentFields) return { definition };
	const current = new Set((await profile.currentFields(client)).map((name) => name.toLowerCase()));
	// A describe that lists nothing says nothing about the fields: Marketo's answer decides.
	if (current.size === 0) return { definition };
	const gone = definition.fields.filter((field) => !current.has(field.toLowerCase()));
	if (gone.length === 0) return { definition };
	const kept = definition.fields.filter((field) => current.has(field.toLowerCase()));
	const named = `${gone.length === 1 ? 'the field' : 'the fields'} ${gone.join(', ')}`;
	const noun = profile.noun.many;
	if (onMissing === 'fail' || kept.every((field) => added.includes(field))) {
		throw new EngineError(
			`Marketo no longer has ${named} of this ${profile.noun.one} export: its describe does not list ${gone.length === 1 ? 'it' : 'them'}.`,
			`No job was created, so no export quota was spent. A field removed or renamed in Marketo cannot be exported: remove it from Fields (the picker lists Marketo's fields now)${kept.every((field) => added.includes(field)) ? '' : ', or let Since Last Run go on without it (Options → On a Missing Field)'}.`,
			'marketo',
		);
	}
	const columnHeaderNames = definition.columnHeaderNames ? headersOf(definition.columnHeaderNames, (field) => !gone.includes(field)) : undefined;
	return {
		definition: { ...definition, fields: kept, ...(columnHeaderNames ? { columnHeaderNames } : {}) },
		warning: `Marketo no longer has ${named} (its describe does not list ${gone.length === 1 ? 'it' : 'them'}): the run went on without ${gone.length === 1 ? 'it' : 'them'}, and the ${noun} lack ${gone.length === 1 ? 'that column' : 'those columns'}. Remove ${gone.length === 1 ? 'it' : 'them'} from Fields, or set On a Missing Field to Fail.`,
	};
}

/**
 * All Fields: the definition's fields become every field Marketo's describe
 * lists now, as Marketo spells them, so a field added in Marketo is exported
 * from the next run on (and one removed is simply no longer asked for).
 * Column Header Names for a field the describe does not list are left out,
 * with a warning. A describe that lists nothing stops the run before any job.
 */
export async function withAllFields(
	client: MarketoClient,
	profile: ExportProfile,
	definition: ExportDefinition,
): Promise<{ definition: ExportDefinition; warning?: string }> {
	if (!definition.allFields) return { definition };
	const fields = [...new Set(profile.currentFields ? await profile.currentFields(client) : [])];
	if (fields.length === 0) {
		throw new EngineError(
			`Marketo's describe lists no fields of this ${profile.noun.one} export, so All Fields has none to export.`,
			"No job was created. Turn All Fields off and choose the fields, or check the API user's permissions: describe lists only what the API user may read.",
			'marketo',
		);
	}
	const listed = new Set(fields);
	const renamed = definition.columnHeaderNames;
	const gone = renamed ? Object.keys(renamed).filter((field) => !listed.has(field)) : [];
	if (gone.length === 0) return { definition: { ...definition, fields } };
	return {
		definition: { ...definition, fields, columnHeaderNames: headersOf(renamed!, (field) => listed.has(field)) },
		warning: `The header given for ${gone.join(', ')} was left out: Marketo's describe does not list ${gone.length === 1 ? 'that field' : 'those fields'} (every field it lists is exported, as Marketo spells it).`,
	};
}

/** The Column Header Names entries of the fields kept; without a prototype, as the definition keeps them: a field named `constructor` is a field. */
function headersOf(renamed: Record<string, string>, keep: (field: string) => boolean): Record<string, string> {
	return Object.assign(Object.create(null), Object.fromEntries(Object.entries(renamed).filter(([field]) => keep(field)))) as Record<string, string>;
}
