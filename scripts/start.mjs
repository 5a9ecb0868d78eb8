// `npm start`: the API server (which also serves the chat UI once it is built).
import { spawn } from "node:child_process";

const child = spawn("npm", ["run", "start", "--workspace", "@unilip/server"], { stdio: "inherit" });
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code) => process.exit(code ?? 0));
