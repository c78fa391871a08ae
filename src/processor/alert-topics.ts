import { physicalTopicName } from '../topology/load-topology.ts';

/** The physical topics of the alert evaluator. */
export interface AlertTopics {
  readonly agentState: string;
  readonly alerts: string;
  readonly changelog: string;
  /** Where the alert sink and the webhook notifier put what they cannot use. */
  readonly deadLetter: string;
}

export function alertTopics(prefix: string): AlertTopics {
  return {
    agentState: physicalTopicName(prefix, 'out.agent-state'),
    alerts: physicalTopicName(prefix, 'out.alerts'),
    changelog: physicalTopicName(prefix, 'state.alert-evaluator-changelog'),
    deadLetter: physicalTopicName(prefix, 'ops.dead-letter'),
  };
}
