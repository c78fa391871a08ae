import type { ServerResponse } from 'node:http';
import type { DownloadFault } from './fault-injector.ts';

export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Pending chunk timers of slow downloads, so the server can cancel them on close. */
export type TimerSet = Set<NodeJS.Timeout>;

/**
 * Sends a workbook as an attachment. A truncated download sends a prefix of the bytes (Content-Length says the
 * prefix's length, so the HTTP exchange completes but the ZIP does not parse); a slow one writes `chunkBytes` at a
 * time with `pauseMs` between chunks.
 */
export function sendWorkbook(res: ServerResponse, workbook: Buffer, fileName: string, fault: DownloadFault, slow: { chunkBytes: number; pauseMs: number }, timers: TimerSet): void {
  const bytes = fault.truncateShare === null ? workbook : workbook.subarray(0, Math.max(1, Math.floor(workbook.length * fault.truncateShare)));
  res.writeHead(200, {
    'content-type': XLSX_CONTENT_TYPE,
    'content-disposition': `attachment; filename="${fileName}"`,
    'content-length': String(bytes.length),
  });
  if (!fault.slow) return void res.end(bytes);
  const chunk = Math.max(1, slow.chunkBytes);
  let offset = 0;
  const next = (): void => {
    if (res.destroyed) return;
    res.write(bytes.subarray(offset, offset + chunk));
    offset += chunk;
    if (offset >= bytes.length) return void res.end();
    const timer = setTimeout(() => {
      timers.delete(timer);
      next();
    }, slow.pauseMs);
    timers.add(timer);
  };
  next();
}
