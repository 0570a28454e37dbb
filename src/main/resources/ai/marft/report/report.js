// Transcript browser: show episodes by outcome. A card that does not match is hidden in place (its
// column stays aligned); a row with nothing left to show is removed from the flow.
(function () {
  var buttons = document.querySelectorAll('.filter button');
  function apply(filter) {
    var shown = 0;
    document.querySelectorAll('tr.pair').forEach(function (row) {
      var any = false;
      row.querySelectorAll('.ep').forEach(function (card) {
        var ok = filter === 'all' || card.getAttribute('data-outcome') === filter
          || (filter === 'fixed' || filter === 'broken') && row.getAttribute('data-change') === filter;
        card.style.visibility = ok ? '' : 'hidden';
        if (ok) { any = true; shown++; }
      });
      row.style.display = any ? '' : 'none';
    });
    buttons.forEach(function (b) { b.classList.toggle('on', b.getAttribute('data-filter') === filter); });
    var label = document.getElementById('shown');
    if (label) label.textContent = shown + ' episodes shown';
  }
  buttons.forEach(function (b) {
    b.addEventListener('click', function () { apply(b.getAttribute('data-filter')); });
  });
  if (buttons.length) apply('all');
})();
