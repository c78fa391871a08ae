/** ReportStatuses. */
export type ReportStatus = 'Queued' | 'Running' | 'Completed' | 'Error';

/** The ReportInfo DTO in camelCase JSON, as every report route returns it. */
export interface ReportInfo {
  /** 24 lowercase hex digits (a MongoDB ObjectId). */
  id: string;
  name: string;
  status: ReportStatus;
  statusMessage: string | null;
  /** ISO-8601 UTC with milliseconds and `Z`. */
  dateCreated: string;
  dateUpdated: string;
  /** Absolute URL of the workbook: `<base>/reports/<id>.xlsx`. */
  downloadLink: string;
  /** A UUID. */
  jobId: string;
  emailAddressToNotify: string | null;
  server: string;
}

export const REPORT_NAMES = { 'agent-state': 'Agent State Report', billing: 'Billing Report' } as const;
