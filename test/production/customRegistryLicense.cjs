/**
 * Loaded into n8n with NODE_OPTIONS=--require by the install-path tests, and nothing else.
 *
 * n8n installs community packages from the registry N8N_COMMUNITY_PACKAGES_REGISTRY names, but an unlicensed
 * n8n refuses any registry but npmjs.org (the `feat:communityNodes:customRegistry` licence feature). These
 * machines reach no npmjs.org the package is published on, so the tests point n8n at a local registry, and this
 * file answers that one licence question with yes: License.isCustomNpmRegistryEnabled() returns true.
 * Everything else stays n8n's own code: the version check against the registry, `npm pack`, unpacking,
 * dropping dev, peer and optional dependencies, `npm install`, loading the nodes, telling the workers.
 */
const Module = require('node:module');

const load = Module._load;
Module._load = function loadPatched(request, parent, isMain) {
	const exported = load.apply(this, [request, parent, isMain]);
	// n8n's dist/license.js, required as './license' or '../license': only its exports are looked at.
	if (!/(^|\/)license(\.js)?$/.test(request)) return exported;
	const License = exported?.License;
	if (typeof License === 'function' && typeof License.prototype?.isCustomNpmRegistryEnabled === 'function' && !License.patchedForTests) {
		License.prototype.isCustomNpmRegistryEnabled = () => true;
		License.patchedForTests = true;
	}
	return exported;
};
