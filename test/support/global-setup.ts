import { availableDialects, skippedDialects } from "./dialects.js";

/** Under CI a missing database fails the run; elsewhere the run says what it skipped. */
export default function setup() {
  const skipped = skippedDialects();
  if (process.env.CI === "true" && skipped.length > 0) {
    throw new Error(
      `CI=true but ${skipped.map((s) => `${s.label} (${s.env})`).join(" and ")} ${skipped.length === 1 ? "is" : "are"} not configured: every dialect must run in CI.`,
    );
  }
  return () => {
    const ran = availableDialects().map((d) => d.name);
    const note = skipped.length
      ? `; skipped ${skipped.map((s) => `${s.label} (set ${s.env} to run it)`).join(", ")}`
      : "";
    console.log(`\nrelata: database tests ran on ${ran.join(", ")}${note}.\n`);
  };
}
