// Starlight shows one table of contents at a time: <mobile-starlight-toc> above the page on
// narrow screens, <starlight-toc> beside it on wide ones, the other inside a display: none
// parent (its PageSidebar.astro). Yet both set themselves up once the browser is idle: each
// matches every block of the page with :has() selectors and watches them all with an
// IntersectionObserver, to mark the section being read. Those were the page's longest tasks
// after load on a phone (tests/bench/README.md). Here each one's set-up (Starlight's `init`,
// which its constructor queues for the idle time) waits until it is on screen and the section
// being read can change: at once on a page that opened scrolled (a link to a heading), else at
// the first scroll, or the resize that shows it. Until then a page opened at its top marks its
// first entry, the one Starlight's observer marks there.
type StarlightToc = HTMLElement & { init?: () => void };

const TAGS = ['starlight-toc', 'mobile-starlight-toc'];
const openedAtTop = scrollY === 0 && !location.hash;

// This runs before Starlight's scripts define the elements, whose constructors take the entry
// marked aria-current as the current one.
if (openedAtTop) {
  for (const toc of document.querySelectorAll(TAGS.join())) {
    const first = toc.querySelector('a');
    if (!first) continue;
    first.setAttribute('aria-current', 'true');
    const title = toc.querySelector('.display-current');
    if (title) title.textContent = first.textContent;
  }
}

for (const tag of TAGS) {
  void customElements.whenDefined(tag).then(() => {
    for (const toc of document.querySelectorAll<StarlightToc>(tag)) {
      const init = toc.init;
      if (typeof init !== 'function') continue;
      toc.init = () => {
        const needed = () => toc.checkVisibility() && (scrollY !== 0 || !openedAtTop);
        if (needed()) return init();
        const initWhenNeeded = () => {
          if (!needed()) return;
          removeEventListener('scroll', initWhenNeeded);
          removeEventListener('resize', initWhenNeeded);
          init();
        };
        addEventListener('scroll', initWhenNeeded, { passive: true });
        addEventListener('resize', initWhenNeeded, { passive: true });
      };
    }
  });
}
