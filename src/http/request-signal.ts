import type { IncomingMessage, ServerResponse } from 'node:http';
import { AgentTimelinesError } from '../errors/agent-timelines-error.ts';

/**
 * A signal that aborts when the client goes away before its answer is sent (the connection closed), so queued or
 * running work for nobody is dropped ({@link QueryAdmission.run}). The abort reason is a CLIENT_GONE error.
 */
export function requestSignal(_request: IncomingMessage, response: ServerResponse): AbortSignal {
  const controller = new AbortController();
  const gone = (): void => {
    if (!response.writableFinished) controller.abort(new AgentTimelinesError('CLIENT_GONE', 'the client closed the connection'));
  };
  response.once('close', gone);
  return controller.signal;
}
