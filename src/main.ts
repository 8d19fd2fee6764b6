/**
 * `npm start`: serves the contract on PORT (default 3005). Until the runtime
 * services land (issue #3), every operation answers 501 problem+json; the
 * router, validation and error handling are the generated ones.
 */
import express from "express";
import { createRouter, defaultContext, HttpProblem, operationMeta, type Handlers, type OperationId } from "../generated/routes.js";

const port = Number(process.env.PORT ?? 3005);

/** A Handlers object whose every method refuses with 501, so the stub stays complete as the contract grows. */
function notImplementedHandlers(): Handlers {
  const entries = (Object.keys(operationMeta) as OperationId[]).map((id) => [
    id,
    () => {
      throw new HttpProblem(501, "not_implemented", "Not implemented", `${id} has no service behind it yet`);
    },
  ]);
  return Object.fromEntries(entries) as unknown as Handlers;
}

const app = express();
app.disable("x-powered-by");
app.get("/healthz", (_req, res) => {
  res.json({ status: "ok" });
});
app.use(createRouter(notImplementedHandlers(), { context: defaultContext, onError: (error) => console.error(error) }));
app.use((_req, res) => {
  res.status(404).type("application/problem+json").send(JSON.stringify({ type: "/problems/not_found", title: "Not found", status: 404, code: "not_found" }));
});

const server = app.listen(port, () => {
  console.log(`Commerce API (stub) listening on http://localhost:${port}  health: http://localhost:${port}/healthz`);
});
process.on("SIGTERM", () => server.close());
