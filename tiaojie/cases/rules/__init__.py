"""Rules of the people's mediation law that several parts apply, one module per rule."""
