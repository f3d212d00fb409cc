"""Template context every page needs: the navigation for the user's roles and the current store."""


def shell(request):
    return {}
