// The library comes from tests/e2e/artifacts/node_modules (ARTIFACT_CLIENT: its file URL).
import path from "node:path";

const { DefaultArtifactClient } = await import(process.env.ARTIFACT_CLIENT);
const input = (name) => (process.env[`INPUT_${name.toUpperCase()}`] || "").trim();
const root = process.env.GITHUB_WORKSPACE;
const escaped = input("pattern").split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"));
const wanted = new RegExp(`^${escaped.join(".*")}$`);
const merge = input("merge-multiple") === "true";
const client = new DefaultArtifactClient();
const { artifacts } = await client.listArtifacts({ latest: true });
const chosen = artifacts.filter((artifact) => wanted.test(artifact.name));
if (chosen.length === 0) {
  console.log(`::error::no artifact matches ${input("pattern")}`);
  process.exit(1);
}
for (const artifact of chosen) {
  const target = merge ? root : path.join(root, artifact.name);
  await client.downloadArtifact(artifact.id, { path: target });
  console.log(`downloaded artifact ${artifact.name} to ${target}`);
}
