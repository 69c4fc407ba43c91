// Which requests bring an organization into being, and so take a provisioner's token
// (docs/api.md, "Provisioning"): PUT /v1/orgs/{org}, POST /v1/orgs/{org}/upgrade and
// PUT /v1/orgs/{org}/snapshot, and the chunked import's routes (.../imports/...).

/** Whether `method path` creates, upgrades or imports an organization. */
export function provisions(method, path) {
  const p = path.split("?")[0];
  return (
    (method === "PUT" && /^\/v1\/orgs\/[^/]+(\/snapshot)?$/.test(p)) ||
    (method === "POST" && /^\/v1\/orgs\/[^/]+\/upgrade$/.test(p)) ||
    /^\/v1\/orgs\/[^/]+\/imports\//.test(p)
  );
}
