// Starts Swagger UI (served from the installed fastapi-offline package) on /openapi.json; no inline script, no CDN.
window.SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true });
