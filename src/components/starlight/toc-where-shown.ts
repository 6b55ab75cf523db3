// Starlight shows one table of contents at a time: <mobile-starlight-toc> above the page on
// narrow screens, <starlight-toc> beside it on wide ones, the other inside a display: none
// parent (its PageSidebar.astro). Yet both set themselves up once the browser is idle: each
// matches every block of the page with :has() selectors and watches them all with an
// IntersectionObserver, to mark the section being read. On a phone the hidden one's set-up was
// the page's longest idle task (tests/bench/README.md). Here each one's set-up (Starlight's
// `init`, which its constructor queues for the idle time) waits until it is on screen: at once
// where it shows, else after the resize that shows it.
type StarlightToc = HTMLElement & { init?: () => void };

for (const tag of ['starlight-toc', 'mobile-starlight-toc']) {
  void customElements.whenDefined(tag).then(() => {
    for (const toc of document.querySelectorAll<StarlightToc>(tag)) {
      const init = toc.init;
      if (typeof init !== 'function') continue;
      toc.init = () => {
        if (toc.checkVisibility()) return init();
        const initWhenShown = () => {
          if (!toc.checkVisibility()) return;
          removeEventListener('resize', initWhenShown);
          init();
        };
        addEventListener('resize', initWhenShown, { passive: true });
      };
    }
  });
}
