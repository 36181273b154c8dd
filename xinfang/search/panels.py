"""What search adds to a matter's page (petitions.registry.MATTER_PANELS)."""


def matter_panel(request, petition):
    return None
