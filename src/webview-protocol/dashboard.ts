// Messages of the dashboard (the report of one .baler file).
import type { ReportData } from '../kernel/report/types';
import { IpcCommandType, IpcNotificationType } from './ipc';

export const ShowReportNotification = new IpcNotificationType<{ title: string; data: ReportData }>('dashboard/showReport');
export const ShowErrorNotification = new IpcNotificationType<{ message: string }>('dashboard/showError');

/** What the dashboard drew: how many plots and their titles (tests and the output channel read it). */
export interface RenderedState {
  plots: number;
  titles: string[];
  /** The file whose report is shown. */
  title: string;
  /** Colour bars over captions or panels, SI-suffixed ticks: what auditLayout found (empty when clean). */
  layoutIssues: string[];
}

export const RenderedCommand = new IpcCommandType<RenderedState>('dashboard/rendered');
