// Compiles against the types openapi-typescript generates from the served
// document (out/schema.d.ts): a typed sign-in, push and coverage read as a
// web client would write them with fetch.
import type { components, paths } from "../out/schema";

type LoginBody = paths["/api/v1/auth/login"]["post"]["requestBody"]["content"]["application/json"];
type TokenPair = paths["/api/v1/auth/login"]["post"]["responses"]["200"]["content"]["application/json"];
type PushBody = paths["/api/v1/sync/push"]["post"]["requestBody"]["content"]["application/json"];
type PushResponse = paths["/api/v1/sync/push"]["post"]["responses"]["200"]["content"]["application/json"];
type Coverage = paths["/api/v1/stats/coverage"]["get"]["responses"]["200"]["content"]["application/json"];
type Grade = components["schemas"]["EvaluationGrade"];

export async function dayOfWork(base: string, visitID: string): Promise<number> {
  const login: LoginBody = { phone: "13900000001", password: "s3cret-pass" };
  const tokens = (await (await fetch(`${base}/api/v1/auth/login`, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(login),
  })).json()) as TokenPair;
  const auth = { Authorization: `Bearer ${tokens.access_token}`, "Content-Type": "application/json" };
  const push: PushBody = {
    device_id: "phone-7",
    changes: [{
      type: "visit", op: "upsert", base_version: 0,
      record: { id: visitID, village_code: "330824106207", category: "技术指导",
        started_at: "2024-04-02T09:00:00+08:00", ended_at: "2024-04-02T11:30:00+08:00", lat: 29.136728, lng: 118.414539 },
    }],
  };
  const pushed = (await (await fetch(`${base}/api/v1/sync/push`, { method: "POST", headers: auth, body: JSON.stringify(push) })).json()) as PushResponse;
  const status: "created" | "updated" | "unchanged" | "deleted" | "conflict" | "invalid" | "forbidden" = pushed.results[0].status;
  const coverage = (await (await fetch(`${base}/api/v1/stats/coverage?region=330824&year=2024`, { headers: auth })).json()) as Coverage;
  const excellent: Grade = "优秀";
  console.log(status, excellent);
  return coverage.totals.visited_villages;
}

type Pulled = components["schemas"]["SyncPulledChange"];

// villageOf narrows a pulled change by its type, as a phone applying a
// pull page does.
export function villageOf(ch: Pulled): string | undefined {
  if (ch.type === "visit" && ch.op === "upsert" && "village_code" in ch.record) {
    return ch.record.village_code;
  }
  return undefined;
}
