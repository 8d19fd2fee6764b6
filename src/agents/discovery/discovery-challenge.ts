/**
 * The `WWW-Authenticate` challenge for agent callers: where the discovery
 * document lives, so an agent that got a 401 knows how to (re)connect.
 */
export function discoveryChallenge(publicOrigin: string): Record<string, string> {
  return { "WWW-Authenticate": `AgentAuth discovery="${publicOrigin}/.well-known/agent-configuration"` };
}
