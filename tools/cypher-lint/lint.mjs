// Read a JSON list of {name, query} from stdin; print a JSON list of {name, severity, message, offset}
// for every diagnostic Neo4j's linter reports, leaving out "Parameter $x is not defined" (no schema given).
import { lintCypherQuery } from "@neo4j-cypher/language-support";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const queries = JSON.parse(Buffer.concat(chunks).toString("utf8"));
const problems = [];
for (const { name, query } of queries) {
  const { diagnostics } = lintCypherQuery(query, {});
  for (const d of diagnostics) {
    if (/^Parameter \$\w+ is not defined/.test(d.message)) continue;
    problems.push({ name, severity: d.severity, message: d.message, offset: d.offsets?.start ?? null });
  }
}
process.stdout.write(JSON.stringify(problems));
