// Hardening headers for every answer, site and API alike. The pages' Content-Security-Policy
// depends on each page (page-policy.ts, set by static-site.ts); the API's is fixed below.
import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';

export const securityHeaders = (): MiddlewareHandler =>
  secureHeaders({
    // The checker calls DoH resolvers and Matrix servers for the user; none of them needs
    // to learn which page, or which checker, sent the user. The site itself reads no Referer.
    referrerPolicy: 'no-referrer',
    // The legacy twin of the pages' frame-ancestors 'none', for browsers without CSP 2.
    xFrameOptions: 'DENY',
    // TLS ends at the reverse proxy in front of this server; HSTS is that proxy's to send.
    strictTransportSecurity: false,
    // Features the site never uses, refused for it and anything it might embed.
    permissionsPolicy: { camera: [], microphone: [], geolocation: [], payment: [], usb: [] },
  });

/** The API answers JSON (read by other origins through CORS): data, never a document. */
export const apiHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  c.header('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
};
