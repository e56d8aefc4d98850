"""One router per feature; each is made for one app's settings and reads the engine from the app's state."""
