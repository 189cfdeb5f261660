def shell(request):
    """What the page shell needs: the active agency and the agencies the user can switch to."""
    from eiso.accounts.middleware import memberships_agencies

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "active_agency": getattr(request, "active_agency", None),
        "switchable_agencies": memberships_agencies(user),
    }
