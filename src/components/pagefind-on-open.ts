// Starlight's Search builds Pagefind's UI at idle on every page: 26 KB gzip of script parsed
// and run before anyone asks to search, the long task behind Lighthouse's total blocking
// time. Starlight's import of `@pagefind/default-ui` resolves to this module instead
// (astro.config.mjs), which loads and builds the real UI when the search dialog first opens
// (by its button or Ctrl/Cmd+K, both of which call showModal()), or when a pointer or
// keyboard focus reaches the button, to get a head start.
interface PagefindOptions {
  /** The selector of the element Pagefind renders into, inside Starlight's search dialog. */
  element: string;
}

/** Shown in the dialog when the UI's script cannot be fetched; opening the dialog again retries. */
const LOAD_FAILED: Record<string, string> = {
  en: 'Search could not be loaded. Close this and try again.',
  de: 'Die Suche konnte nicht geladen werden. Bitte schließen und erneut versuchen.',
};

function importPagefindUI(): Promise<new (options: PagefindOptions) => unknown> {
  // @ts-expect-error: @pagefind/default-ui ships no types.
  return import('@pagefind/default-ui').then((module: { PagefindUI: new (options: PagefindOptions) => unknown }) => module.PagefindUI);
}

export class PagefindUI {
  constructor(options: PagefindOptions) {
    const container = document.querySelector(options.element);
    const dialog = container?.closest('dialog');
    const openButton = dialog?.parentElement?.querySelector('button[data-open-modal]');
    if (!container || !dialog) return;
    let loading: Promise<void> | undefined;
    const load = () => {
      loading ??= importPagefindUI().then(
        (Real) => {
          container.replaceChildren();
          new Real(options);
          // Starlight focused the input on opening, before there was one.
          if (dialog.open) container.querySelector('input')?.focus();
        },
        () => {
          loading = undefined;
          const lang = document.documentElement.lang.split('-')[0];
          container.textContent = LOAD_FAILED[lang] ?? LOAD_FAILED.en;
        },
      );
    };
    new MutationObserver(() => dialog.open && load()).observe(dialog, { attributes: true, attributeFilter: ['open'] });
    openButton?.addEventListener('pointerenter', load, { once: true });
    openButton?.addEventListener('focus', load, { once: true });
    if (dialog.open) load();
  }
}
