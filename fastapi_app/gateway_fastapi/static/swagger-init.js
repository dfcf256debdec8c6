// Starts Swagger UI from a file rather than an inline script, so /fastapi/docs
// works under the edge's Content-Security-Policy (script-src 'self', no inline).
// The options are FastAPI's own defaults (fastapi.openapi.docs.swagger_ui_default_parameters).
"use strict";
const root = document.getElementById("swagger-ui");
window.ui = SwaggerUIBundle({
  url: root.dataset.openapiUrl,
  dom_id: "#swagger-ui",
  layout: "BaseLayout",
  deepLinking: true,
  showExtensions: true,
  showCommonExtensions: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
});
