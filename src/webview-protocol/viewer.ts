// Messages of the read-only .baler viewer.
import type { InfoSection } from '../kernel/report/info-rows';
import { IpcCommandType, IpcNotificationType } from './ipc';

export const ShowInfoNotification = new IpcNotificationType<{ file: string; sections: InfoSection[] }>('viewer/showInfo');
export const ShowViewerErrorNotification = new IpcNotificationType<{ message: string }>('viewer/showError');
export const DecompressCommand = new IpcCommandType<void>('viewer/decompress');
export const OpenDashboardCommand = new IpcCommandType<void>('viewer/openDashboard');
