"""The cockpit's screens, one module each; they call services and never write SQL."""
