def navigation(request):
    """Role flags for the navigation bar, computed once per request."""
    from applications.roles import roles_for

    return {"roles": roles_for(request.user)}
