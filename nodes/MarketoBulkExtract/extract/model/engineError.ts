/**
 * The engine's own failure, in plain data: what happened, and what the user
 * can do (and what became of Marketo's jobs). Only actions/ turns it into
 * n8n's error classes (actions/engineErrors.ts), as it words the limits.
 * `by`: whether Marketo answered what the engine refuses (an unknown status
 * or format, a download that kept breaking), or the run itself cannot go on.
 */
export class EngineError extends Error {
	constructor(
		message: string,
		public description: string,
		readonly by: 'marketo' | 'run' = 'run',
	) {
		super(message);
		this.name = 'EngineError';
	}
}
