// The npm package's JavaScript layer (npm/api.js), imported for what it adds to `Engine`: views
// that page (issue 13). Its types are the package's (npm/types.d.ts); the console names the two
// methods it calls in app.ts.
declare module "orgspace-views";
