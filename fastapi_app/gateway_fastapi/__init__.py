"""Gateway Lab's ASGI backend: FastAPI served by Uvicorn workers under /fastapi."""
