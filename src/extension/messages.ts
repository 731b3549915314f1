// Typed messages between the extension and its webviews (dashboard and .baler viewer). Types only (plus one
// constant): the webview bundles (browser) and the extension (Node) both import this file.
import type { ReportData } from '../kernel/report/data';

export interface LossPoint {
  epoch: number;
  loss: number;
  valLoss?: number;
}

export type DashboardInbound =
  | { type: 'report'; title: string; data: ReportData }
  | { type: 'trainStart'; title: string; epochs: number }
  | { type: 'trainProgress'; points: LossPoint[]; epochs: number; etaSeconds: number }
  | { type: 'trainEnd'; message: string }
  | { type: 'error'; message: string };

export type DashboardOutbound =
  | { type: 'ready' }
  | { type: 'rendered'; plots: number; titles: string[] }
  | { type: 'liveLoss'; points: number }
  | { type: 'renderError'; message: string };

export interface ViewerSection {
  title: string;
  rows: [string, string][];
}

export type ViewerInbound =
  | { type: 'info'; file: string; sections: ViewerSection[] }
  | { type: 'error'; message: string };

export type ViewerOutbound =
  | { type: 'ready' }
  | { type: 'decompress' }
  | { type: 'openDashboard' };

/** Output item mime types of the notebook controller. */
export const REPORT_MIME = 'application/vnd.baler.report+json';
