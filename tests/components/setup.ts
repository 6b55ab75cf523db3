// The island loads its report view lazily; on a busy shared machine that can take longer than
// testing-library's default 1 s wait for an element to appear. A wait bound, not a timing.
import { configure } from '@solidjs/testing-library';

configure({ asyncUtilTimeout: 5_000 });
