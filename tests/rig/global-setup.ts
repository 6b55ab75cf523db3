// Placeholder replaced by the test rig (issue 3): starts DNS, DoH and nginx on loopback.
export default async function setup() {}
