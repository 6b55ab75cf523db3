// Taking a report away: as Markdown for an issue or a chat, as JSON for tools.
import type { Report } from '../checker/report.ts';
import { CopyButton } from './CopyButton.tsx';
import { useTexts } from './labels.ts';

export function ReportActions(props: { report: Report; markdown: (report: Report) => string }) {
  const texts = useTexts();
  const download = () => {
    const blob = new Blob([`${JSON.stringify(props.report, null, 2)}\n`], { type: 'application/json' });
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = `fedcheck-${props.report.serverName.replace(/[^A-Za-z0-9.-]+/g, '_')}-${props.report.checkedAt.slice(0, 10)}.json`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 0);
  };
  return (
    <div class="fc-actions">
      <CopyButton text={() => props.markdown(props.report)} label={texts.ui.copyMarkdown} />
      <button type="button" class="fc-secondary" onClick={download}>
        {texts.ui.downloadJson}
      </button>
    </div>
  );
}
