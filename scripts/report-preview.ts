// Writes a sample report for looking at the layout:
//   npx tsx scripts/report-preview.ts [frames|jets] [output.html]   (default /tmp/baler-report-preview.html)
import { writeFileAtomic } from '../src/kernel/fsutil';
import { renderReportHtml } from '../src/kernel/report/html';
import { previewReportData } from '../test/fixtures/report-sample';

const which = process.argv[2] === 'jets' ? 'jets' : 'frames';
const output = process.argv[3] ?? '/tmp/baler-report-preview.html';
const data = previewReportData(which);
writeFileAtomic(output, renderReportHtml(data), { overwrite: true });
console.log(`wrote ${output} (${(JSON.stringify(data).length / 1024).toFixed(0)} kB of report data)`);
