def company(request):
    return {"company": getattr(request, "tenant", None)}
