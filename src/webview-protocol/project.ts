// Messages of the project view: the results of one project shown beside its config, kept in step with the
// editor (settings typed but not yet run are marked), with the project's commands as buttons.
import type { PointSettings, ProjectResults } from '../kernel/project/results-types';
import { IpcCommandType, IpcNotificationType } from './ipc';

/** The config as the editor holds it now (maybe unsaved), compared with the settings of the last measured run. */
export interface EditorState {
  /** Settings read from the editor's text; absent when the text is not valid JSON. */
  settings?: Partial<PointSettings>;
  /** Keys whose value differs from the project's compressed file (or the last point) . */
  changed: string[];
  /** True when the settings in the editor already have a measured point. */
  measured: boolean;
  dirty: boolean;
  parseError?: string;
}

export interface LossPoint {
  epoch: number;
  loss: number;
  valLoss?: number;
}

export type ProjectAction = 'train' | 'compress' | 'decompress' | 'plot' | 'openResults' | 'runSettings';

export const ProjectResultsNotification = new IpcNotificationType<{ results: ProjectResults; editor: EditorState }>('project/results');
export const EditorStateNotification = new IpcNotificationType<EditorState>('project/editor');
export const BusyNotification = new IpcNotificationType<{ task?: string }>('project/busy');
export const TrainStartNotification = new IpcNotificationType<{ title: string; epochs: number }>('project/trainStart');
export const TrainProgressNotification = new IpcNotificationType<{ points: LossPoint[]; epochs: number; etaSeconds: number }>('project/trainProgress');
export const TrainEndNotification = new IpcNotificationType<{ message: string }>('project/trainEnd');
export const ProjectErrorNotification = new IpcNotificationType<{ message: string }>('project/error');

export const ProjectActionCommand = new IpcCommandType<{ action: ProjectAction }>('project/action');

/** What the view drew, for the tests: what a person would see. */
export interface ProjectRenderedState {
  project: string;
  plots: string[];
  tradeoffPoints: number;
  settingsRows: number;
  quality?: string;
}
export const ProjectRenderedCommand = new IpcCommandType<ProjectRenderedState>('project/rendered');

/** The live loss chart after each update: points drawn and the visible epoch range. */
export const LiveLossCommand = new IpcCommandType<{ points: number; xRange: [number, number]; lastEpoch: number }>('project/liveLoss');
