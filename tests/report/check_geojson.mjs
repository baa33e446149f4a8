// Checks GeoJSON files against RFC 7946 with @placemarkio/check-geojson (strict: types, member
// names, positions, rings) plus what the RFC asks beyond its checks: no "crs" member, longitudes
// in [-180, 180] and latitudes in [-90, 90], every feature with a "properties" member.
// Prints one line per problem and exits 1 when there is any.
//
//   node check_geojson.mjs --modules NODE_MODULES FILE...
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const args = process.argv.slice(2);
const mi = args.indexOf('--modules');
const require = createRequire(resolve(args[mi + 1]) + '/');
const files = args.filter((_, i) => i !== mi && i !== mi + 1);
const { getIssues } = require('@placemarkio/check-geojson');

let problems = 0;
const problem = (file, what) => { problems++; console.log(`${file}: ${what}`); };
const positions = (g, f) => {
  if (!g) return;
  if (g.type === 'GeometryCollection') return g.geometries.forEach((x) => positions(x, f));
  const walk = (c) => (typeof c[0] === 'number' ? f(c) : c.forEach(walk));
  walk(g.coordinates);
};
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  // Every issue counts, warnings included.
  const issues = getIssues(text);
  for (const issue of issues) problem(file, `${issue.severity}: ${issue.message} (characters ${issue.from}-${issue.to})`);
  if (issues.length) continue;
  const gj = JSON.parse(text);
  if ('crs' in gj) problem(file, 'has a "crs" member (RFC 7946 section 4: WGS84 only)');
  for (const [i, f] of (gj.features || []).entries()) {
    if (!('properties' in f)) problem(file, `feature ${i} has no "properties" member`);
    positions(f.geometry, (p) => {
      if (p.length < 2 || p.length > 3) problem(file, `feature ${i}: a position with ${p.length} numbers`);
      if (Math.abs(p[0]) > 180 || Math.abs(p[1]) > 90) problem(file, `feature ${i}: position ${p} is not lon/lat`);
    });
  }
  console.log(`${file}: ${gj.features ? gj.features.length : 0} features`);
}
console.log(problems ? `${problems} problems` : 'RFC 7946: no problems');
process.exit(problems ? 1 : 0);
