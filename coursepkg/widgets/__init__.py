"""The interactive labs. Each lab's state logic is a plain function in its module
(tested without a browser); the widget only wires ipywidgets controls to it and
redraws one figure in place."""
