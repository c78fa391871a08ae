export { agentStatusHistoryEndpoint as agentStatusHistory } from './agent-status-history-endpoint.ts';
export { contactHistoryEndpoint as contactHistory } from './contact-history-endpoint.ts';
export { contactStatisticEndpoint as contactStatistic } from './contact-statistic-endpoint.ts';
export { agentStatusEndpoint as agentStatus } from './agent-status-endpoint.ts';
export { agentStatisticEndpoint as agentStatistic } from './agent-statistic-endpoints.ts';
export { agentHistoryEndpoint as agentHistory } from './agent-history-endpoint.ts';
