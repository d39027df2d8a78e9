// The library comes from tests/e2e/artifacts/node_modules (ARTIFACT_CLIENT: its file URL).
import path from "node:path";

const { DefaultArtifactClient } = await import(process.env.ARTIFACT_CLIENT);
const input = (name) => (process.env[`INPUT_${name.toUpperCase()}`] || "").trim();
const root = process.env.GITHUB_WORKSPACE;
const name = input("name");
const file = path.resolve(root, input("path"));
const { id, size } = await new DefaultArtifactClient().uploadArtifact(name, [file], root);
console.log(`uploaded artifact ${name}: id ${id}, ${size} bytes`);
