// Talking to the JSON API: plain fetch, and Server-Sent Events read from a POST stream.

// An Error that keeps the HTTP status, so a view can tell "removed" (404) from "server trouble".
export function httpError(status, message) {
  const error = new Error(message);
  error.status = status;
  return error;
}

export async function getJSON(url) {
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  if (!response.ok) throw httpError(response.status, `${url}: HTTP ${response.status}`);
  return response.json();
}

export async function postJSON(url, body) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw httpError(response.status, typeof data.detail === "string" ? data.detail : `HTTP ${response.status}`);
  return data;
}

// POST /api/v1/query/stream; calls onEvent(name, data) for each event as it arrives.
export async function streamQuery(body, onEvent) {
  const response = await fetch("/api/v1/query/stream", {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
    body: JSON.stringify(body),
  });
  if (!response.ok) {
    const data = await response.json().catch(() => ({}));
    throw httpError(response.status, typeof data.detail === "string" ? data.detail : `HTTP ${response.status}`);
  }
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true }).replace(/\r\n/g, "\n");
    let cut;
    while ((cut = buffer.indexOf("\n\n")) !== -1) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      let name = "message";
      const data = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) name = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
      }
      if (data.length) onEvent(name, JSON.parse(data.join("\n")));
    }
  }
}
