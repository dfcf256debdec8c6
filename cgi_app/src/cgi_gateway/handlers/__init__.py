"""One small module per endpoint group; cgi_gateway.routes imports them lazily."""
